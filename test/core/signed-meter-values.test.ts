import t from 'tap';
import { applyReading, EMPTY_ENERGY, registerWh } from '../../core/energy.js';
import { meterSamplesFrom16 } from '../../core/transaction-mapping-16.js';
import { meterSamplesFrom2 } from '../../core/transaction-mapping-2.js';

const OCMF = 'OCMF|{"FV":"1.0","RD":[{"RV":1.234,"RI":"1-b:1.8.0","RU":"kWh"}]}|{"SA":"ECDSA-secp256r1-SHA256","SD":"3045…"}';

t.test('1.6 SignedData is kept beside the readable value of the same quantity, or on its own as valueless', async (t) => {
  const [sample] = meterSamplesFrom16([
    {
      timestamp: '2026-01-01T10:00:00+01:00',
      sampledValue: [
        { value: '1234', context: 'Sample.Periodic', unit: 'Wh' },
        { value: OCMF, format: 'SignedData', context: 'Sample.Periodic' },
        { value: '230', measurand: 'Voltage', unit: 'V' },
        { value: 'BLOB-2', format: 'SignedData', measurand: 'Current.Import', phase: 'L1' },
      ],
    },
  ]);
  t.equal(sample!.timestamp, '2026-01-01T09:00:00.000Z');
  t.equal(sample!.sampledValue.length, 3, 'one signed value joined its partner, one stands alone');
  const [energy, voltage, alone] = sample!.sampledValue;
  t.same(energy!.signedMeterValue, { signedMeterData: OCMF, signingMethod: null, encodingMethod: null, publicKey: null, format: 'SignedData' });
  t.equal(energy!.value, 1234);
  t.equal(voltage!.signedMeterValue, undefined, 'another quantity is not paired');
  t.match(alone, { measurand: 'Current.Import', phase: 'L1', signedMeterValue: { signedMeterData: 'BLOB-2', valueless: true } });
  t.equal(registerWh(energy!), 1234, 'a signed reading still counts as energy');
  const lone = meterSamplesFrom16([{ timestamp: '2026-01-01T10:00:00Z', sampledValue: [{ value: OCMF, format: 'SignedData' }] }])[0]!.sampledValue[0]!;
  t.equal(registerWh(lone), undefined, 'a valueless register row is never counted');
  t.same(applyReading(EMPTY_ENERGY, { atMs: 0, wh: 1 }, null).backwards, false);
});

t.test('2.x signedMeterValue is kept on its sampled value', async (t) => {
  const signed = { signedMeterData: 'c2lnbmVk', signingMethod: 'ECDSA-secp256r1-SHA256', encodingMethod: 'OCMF', publicKey: 'cHVi' };
  const [sample] = meterSamplesFrom2([{ timestamp: '2026-01-01T10:00:00Z', sampledValue: [{ value: 1.5, unitOfMeasure: { unit: 'kWh' }, signedMeterValue: signed }, { value: 7 }] }]);
  t.same(sample!.sampledValue[0]!.signedMeterValue, { ...signed, format: null });
  t.equal(sample!.sampledValue[1]!.signedMeterValue, undefined);
  t.equal(registerWh(sample!.sampledValue[0]!), 1500);
});
