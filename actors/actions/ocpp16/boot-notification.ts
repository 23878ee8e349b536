import { bootAnswer } from '../../../core/boot-policy.js';
import type { HandlerContext } from '../../handler-context.js';
import { publication } from '../shared/outbox-publication.js';

interface BootNotificationRequest {
  chargePointVendor: string;
  chargePointModel: string;
  chargePointSerialNumber?: string;
  chargeBoxSerialNumber?: string;
  firmwareVersion?: string;
  iccid?: string;
  imsi?: string;
}

export async function bootNotification(
  ctx: Pick<HandlerContext, 'session' | 'state' | 'store' | 'events' | 'clock' | 'settings' | 'log'> & Partial<Pick<HandlerContext, 'outbox'>>,
  req: BootNotificationRequest,
) {
  const now = ctx.clock().toISOString();
  const boot = {
    vendor: req.chargePointVendor,
    model: req.chargePointModel,
    serialNumber: req.chargePointSerialNumber ?? req.chargeBoxSerialNumber,
    firmwareVersion: req.firmwareVersion,
    iccid: req.iccid,
    imsi: req.imsi,
    protocol: ctx.session.version,
    at: now,
  };
  // With the outbox, station.booted is kept in the boot's own transaction (durable before the answer, as the boot is).
  const events = publication(ctx, () => [{ type: 'station.booted', payload: { ...boot } }]);
  // The policy is read beside the write (one boot, one round): an unregistered station gets the defaults.
  const [written, station] = await Promise.all([
    ctx.store.stations.recordBoot(ctx.session.tenantId, ctx.session.stationId, boot, events.inWrite()),
    ctx.store.stations.getStation(ctx.session.tenantId, ctx.session.stationId),
  ]);
  const { status, interval } = bootAnswer(station, ctx.settings.heartbeatIntervalSec);
  ctx.state.bootStatus = status;
  events.afterWrite(written?.eventsWritten === true, undefined);
  const { tenantId, stationId, version: protocol } = ctx.session;
  ctx.log?.info(
    { stationId, tenantId, protocol, vendor: boot.vendor, model: boot.model, firmwareVersion: boot.firmwareVersion ?? null, status },
    'station booted',
  );
  return { status, currentTime: now, interval };
}
