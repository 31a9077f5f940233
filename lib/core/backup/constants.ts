/** The Barman Cloud plugin's name, as clusters and backups reference it (plugin-barman-cloud v0.14.0 internal/cnpgi/metadata). */
export const BARMAN_CLOUD_PLUGIN = 'barman-cloud.cloudnative-pg.io';

/** API group/version of the plugin's `ObjectStore`. */
export const BARMAN_CLOUD_API_VERSION = 'barmancloud.cnpg.io/v1';

/** The plugin release whose objects this library knows (its `ObjectStore` CRD and manifest). */
export const DEFAULT_BARMAN_CLOUD_VERSION = '0.14.0';
