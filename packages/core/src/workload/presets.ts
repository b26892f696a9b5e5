/** The platforms a trusted issuer can name with `preset` (rule W6). */
export const PRESET_NAMES = Object.freeze(['github-actions', 'gitlab', 'kubernetes'] as const);

/** A `preset` value (rule W6). */
export type PresetName = (typeof PRESET_NAMES)[number];

/** What a preset fills in, and what it demands of the conditions (rule W6). */
export interface Preset {
  /** Default `issuer`; absent when the operator must give one (Kubernetes: the cluster's own). */
  readonly issuer?: string;
  /** Default `discovery` (rule W1). */
  readonly discovery: boolean;
  /** Default `one_time_use` (rule W4); absent keeps the server default `true`. */
  readonly oneTimeUse?: boolean;
  /** Default `require_jti` (rule J7); absent keeps the server default `true`. */
  readonly requireJti?: boolean;
  /**
   * Claims of which at least one must be pinned to literals by `claim_conditions` (CompiledExpression
   * `claimsPinned`) on the shared public issuer, preset or not: immutable numeric ids, since a name can be
   * re-registered by someone else after a rename.
   */
  readonly immutableIds?: readonly string[];
  /** What the immutable ids are, for the start-up message. */
  readonly why?: string;
}

/**
 * The presets (rule W6). GitHub Actions: issuer `https://token.actions.githubusercontent.com` (shared by
 * every GitHub user), discovery, conditions must pin `repository_owner_id` or `repository_id` to literals.
 * GitLab: issuer `https://gitlab.com` (shared by every gitlab.com user), discovery, conditions must pin
 * `namespace_id` or `project_id`. Pinned means `claims.ID == literal` or `claims.ID in [literals]` as a
 * condition or one of its top-level `&&` terms, so the condition is false for every other id. Kubernetes: issuer required (the cluster's), discovery,
 * `one_time_use: false` (the kubelet presents one projected token many times) and `require_jti: false`
 * (projected tokens carry no `jti` unless the cluster enables ServiceAccountTokenJTI).
 */
export const PRESETS: Readonly<Record<PresetName, Preset>> = Object.freeze({
  'github-actions': Object.freeze({
    issuer: 'https://token.actions.githubusercontent.com',
    discovery: true,
    immutableIds: Object.freeze(['repository_owner_id', 'repository_id']),
    why: 'every GitHub user gets tokens from this issuer, and an owner or repository name can be registered by someone else after a rename; its numeric id cannot',
  }),
  gitlab: Object.freeze({
    issuer: 'https://gitlab.com',
    discovery: true,
    immutableIds: Object.freeze(['namespace_id', 'project_id']),
    why: 'every gitlab.com user gets tokens from this issuer, and a group or project path can be taken by someone else after a rename or transfer; its numeric id cannot',
  }),
  kubernetes: Object.freeze({ discovery: true, oneTimeUse: false, requireJti: false }),
});
