import { bootAnswer } from '../../../core/boot-policy.js';
import type { HandlerContext } from '../../handler-context.js';

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
  ctx: Pick<HandlerContext, 'session' | 'state' | 'store' | 'events' | 'clock' | 'settings' | 'log'>,
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
  // The policy is read beside the write (one boot, one round): an unregistered station gets the defaults.
  const [, station] = await Promise.all([
    ctx.store.stations.recordBoot(ctx.session.tenantId, ctx.session.stationId, boot),
    ctx.store.stations.getStation(ctx.session.tenantId, ctx.session.stationId),
  ]);
  const { status, interval } = bootAnswer(station, ctx.settings.heartbeatIntervalSec);
  ctx.state.bootStatus = status;
  ctx.events.emit('station.booted', ctx.session, { ...boot });
  const { tenantId, stationId, version: protocol } = ctx.session;
  ctx.log?.info(
    { stationId, tenantId, protocol, vendor: boot.vendor, model: boot.model, firmwareVersion: boot.firmwareVersion ?? null, status },
    'station booted',
  );
  return { status, currentTime: now, interval };
}
