// Tests that stop or restart a shared service (PostgreSQL, Redis) run after the main suite, one
// file at a time, so that no other test sees the outage they cause (docs/development.md, "Tests").
import { defineConfig } from 'vitest/config';
import base from './vitest.config.js';

export default defineConfig({
  ...base,
  test: {
    ...base.test,
    include: ['test/disruptive/**/*.test.ts'],
    fileParallelism: false,
    passWithNoTests: true,
  },
});
