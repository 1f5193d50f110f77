import 'reflect-metadata';

/*
 * MikroORM keeps decorator metadata in a process-wide global. Jest loads a
 * fresh copy of every module for each test file in the same worker, so the
 * previous file's entries (built from other class objects) must go, or
 * discovery mixes the two and fails.
 */
for (const key of Object.keys(globalThis)) {
  if (key.startsWith('mikro-orm-')) delete (globalThis as Record<string, unknown>)[key];
}
