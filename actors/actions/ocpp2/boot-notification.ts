import { bootAnswer } from '../../../core/boot-policy.js';
import type { HandlerContext } from '../../handler-context.js';

interface BootNotificationRequest {
  reason: string;
  chargingStation: {
    model: string;
    vendorName: string;
    serialNumber?: string;
    firmwareVersion?: string;
    modem?: { iccid?: string; imsi?: string };
  };
}

export async function bootNotification(
  ctx: Pick<HandlerContext, 'session' | 'state' | 'store' | 'events' | 'clock' | 'settings' | 'log'>,
  req: BootNotificationRequest,
) {
  const now = ctx.clock().toISOString();
  const station = req.chargingStation;
  const boot = {
    vendor: station.vendorName,
    model: station.model,
    serialNumber: station.serialNumber,
    firmwareVersion: station.firmwareVersion,
    iccid: station.modem?.iccid,
    imsi: station.modem?.imsi,
    reason: req.reason,
    protocol: ctx.session.version,
    at: now,
  };
  // The policy is read beside the write (one boot, one round): an unregistered station gets the defaults.
  const [, record] = await Promise.all([
    ctx.store.stations.recordBoot(ctx.session.tenantId, ctx.session.stationId, boot),
    ctx.store.stations.getStation(ctx.session.tenantId, ctx.session.stationId),
  ]);
  const { status, interval } = bootAnswer(record, ctx.settings.heartbeatIntervalSec);
  ctx.state.bootStatus = status;
  ctx.events.emit('station.booted', ctx.session, { ...boot });
  const { tenantId, stationId, version: protocol } = ctx.session;
  ctx.log?.info(
    { stationId, tenantId, protocol, vendor: boot.vendor, model: boot.model, firmwareVersion: boot.firmwareVersion ?? null, reason: boot.reason, status },
    'station booted',
  );
  return { status, currentTime: now, interval };
}
