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
  await ctx.store.stations.recordBoot(ctx.session.tenantId, ctx.session.stationId, boot);
  ctx.state.bootStatus = 'Accepted';
  ctx.events.emit('station.booted', ctx.session, { ...boot });
  const { tenantId, stationId, version: protocol } = ctx.session;
  ctx.log?.info(
    { stationId, tenantId, protocol, vendor: boot.vendor, model: boot.model, firmwareVersion: boot.firmwareVersion ?? null, reason: boot.reason, status: 'Accepted' },
    'station booted',
  );
  return { status: 'Accepted', currentTime: now, interval: ctx.settings.heartbeatIntervalSec };
}
