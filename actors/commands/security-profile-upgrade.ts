import type { StationReply } from '../../core/envelope.js';
import type { OcppVersion } from '../../core/protocols.js';
import type { SecurityProfile } from '../../core/security-profile.js';
import type { StationStore } from '../../core/ports/store/store.js';
import { changeConfiguration } from './change-configuration.js';
import { reset } from './reset.js';
import { setVariables } from './set-variables.js';
import { stationCommand } from './command.js';
import type { CommandRun, StationCommands } from './station-commands.js';

/** What the operator asks: the new profile and, for 2.x, where the station is to connect from now on. */
export interface SecurityProfileUpgrade {
  securityProfile: SecurityProfile;
  /** 2.x: the wss:// URL (without the station id) the new network profile points at. */
  csmsUrl?: string;
  /** 2.x: the network configuration slot to write (default 1). */
  configurationSlot?: number;
  /** 2.x: reset the station (OnIdle) so it reconnects with the new profile; default true. */
  reset?: boolean;
}

export interface UpgradeStep {
  action: string;
  status: string;
}

export type UpgradeOutcome = { upgraded: true; steps: UpgradeStep[] } | { upgraded: false; steps: UpgradeStep[]; failed: CommandRun };

/** 2.x SetNetworkProfile (A05): a connection profile with the new security profile in one slot. */
const setNetworkProfile = stationCommand<{ configurationSlot: number; csmsUrl: string; securityProfile: SecurityProfile }>(
  'SetNetworkProfile',
  {
    ocpp2: {
      command: { action: 'SetNetworkProfile' },
      toOcpp: (input) => ({
        configurationSlot: input.configurationSlot,
        connectionData: {
          ocppVersion: 'OCPP20',
          ocppTransport: 'JSON',
          ocppCsmsUrl: input.csmsUrl,
          messageTimeout: 30,
          securityProfile: input.securityProfile,
          ocppInterface: 'Wired0',
        },
      }),
    },
  },
  { unavailable: '1.6 changes its security profile with ChangeConfiguration SecurityProfile' },
);

const TAKEN = new Set(['Accepted', 'RebootRequired']);

function statusOf(reply: StationReply): string {
  if (reply.status === 'callerror') return `CALLERROR ${reply.code}`;
  if (reply.status === 'failed') return reply.reason;
  const payload = reply.payload as { status?: unknown; setVariableResult?: Array<{ attributeStatus?: unknown }> };
  if (typeof payload.status === 'string') return payload.status;
  const first = payload.setVariableResult?.[0]?.attributeStatus;
  return typeof first === 'string' ? first : 'result';
}

/**
 * Moves a connected station to a stronger security profile over OCPP, then records the profile,
 * so its next login over the weaker transport is refused.
 * - 1.6 security whitepaper: ChangeConfiguration `SecurityProfile` (the station reconnects itself).
 * - 2.x (A05): SetNetworkProfile into a slot, SetVariables `OCPPCommCtrlr.NetworkConfigurationPriority`
 *   = that slot, then Reset OnIdle.
 * Stops at the first step the station does not take; the stored profile is raised only once the
 * station has taken the configuration (before the Reset, so the reconnect is judged by it).
 */
export async function upgradeSecurityProfile(
  deps: { commands: StationCommands; stations: Pick<StationStore, 'setSecurityProfile'>; forgetLogin?: (stationId: string) => Promise<void> },
  tenantId: string,
  stationId: string,
  protocol: OcppVersion,
  input: SecurityProfileUpgrade,
): Promise<UpgradeOutcome> {
  const steps: UpgradeStep[] = [];
  const step = async (run: Promise<CommandRun>): Promise<CommandRun | undefined> => {
    const done = await run;
    const status = statusOf(done.reply);
    steps.push({ action: done.sent?.action ?? 'none', status });
    return TAKEN.has(status) ? undefined : done;
  };
  const raise = async () => {
    await deps.stations.setSecurityProfile(tenantId, stationId, input.securityProfile);
    await deps.forgetLogin?.(stationId);
  };
  if (protocol === 'ocpp1.6') {
    const failed = await step(deps.commands.run(tenantId, stationId, changeConfiguration, { key: 'SecurityProfile', value: String(input.securityProfile) }));
    if (failed) return { upgraded: false, steps, failed };
    await raise();
    return { upgraded: true, steps };
  }
  const slot = input.configurationSlot ?? 1;
  let failed = await step(
    deps.commands.run(tenantId, stationId, setNetworkProfile, { configurationSlot: slot, csmsUrl: input.csmsUrl!, securityProfile: input.securityProfile }),
  );
  if (failed) return { upgraded: false, steps, failed };
  failed = await step(
    deps.commands.run(tenantId, stationId, setVariables, { variables: [{ component: 'OCPPCommCtrlr', variable: 'NetworkConfigurationPriority', value: String(slot) }] }),
  );
  if (failed) return { upgraded: false, steps, failed };
  await raise();
  if (input.reset !== false) {
    const resetRun = await deps.commands.run(tenantId, stationId, reset, { type: 'OnIdle' });
    steps.push({ action: 'Reset', status: statusOf(resetRun.reply) });
  }
  return { upgraded: true, steps };
}
