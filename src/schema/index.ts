// The GraphQL schema: each module registers its types and root fields on the builder.
import { builder } from '../builder.js';
import './event.js';
import './sites.js';
import './stats.js';

export const schema = builder.toSchema();
