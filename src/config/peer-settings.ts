/**
 * Each group's peer comparison settings: the group's own `peers`, over the
 * file's top-level `peers`, over the defaults. `false` turns it off; a
 * group's own settings (or `true`) turn it back on under a top-level `false`.
 */
import { DEFAULT_PEER_OPTIONS, type PeerOptions } from '../core/peer-compare.js';
import type { PeerOptionsFor } from '../core/peers.js';
import type { FileConfig } from './schema.js';

type PeerSetting = NonNullable<FileConfig['peers']>;

export function peerResolver(file: FileConfig): PeerOptionsFor {
  const resolved = new Map<string, PeerOptions | null>();
  return (group) => {
    let options = resolved.get(group);
    if (options === undefined) resolved.set(group, (options = peerOptions(file.peers, file.groups?.[group]?.peers)));
    return options;
  };
}

function peerOptions(top: PeerSetting | undefined, own: PeerSetting | undefined): PeerOptions | null {
  if (own === false || (own === undefined && top === false)) return null;
  const merged = { ...DEFAULT_PEER_OPTIONS, ...settingsOf(top), ...settingsOf(own) };
  return merged;
}

/** The numbers a setting gives, with the share floor from percent to a fraction. */
function settingsOf(setting: PeerSetting | undefined): Partial<PeerOptions> {
  if (setting === undefined || typeof setting === 'boolean') return {};
  const { minShare, ...rest } = setting;
  const defined = Object.fromEntries(Object.entries(rest).filter(([, value]) => value !== undefined)) as Partial<PeerOptions>;
  return minShare === undefined ? defined : { ...defined, minShare: minShare / 100 };
}
