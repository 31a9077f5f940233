/**
 * Pure SQL for managing the extensions of one database: names and quoting as PostgreSQL checks them, the checks of
 * an extension list, the plan (statements in the order PostgreSQL needs) and the queries of an apply. No I/O and
 * nothing but pure modules imported, so that the Pulumi dynamic provider can capture these functions by value
 * when it is serialized.
 */
export * from './sql/dependents';
export * from './sql/names';
export * from './sql/order';
export * from './sql/plan';
export * from './sql/queries';
export * from './sql/quote';
export * from './sql/requests';
