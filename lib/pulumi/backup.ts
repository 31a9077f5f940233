// The backup components: object stores, scheduled and on-demand backups, and the Barman Cloud plugin.
export * from './backups';
export * from './barman-cloud-plugin';
export * from './object-store';
