// Reads a .env file in the working directory, if there is one, into process.env (variables that
// are already set win). Quietly: dotenv 17 otherwise prints a line at every start.
import { config } from 'dotenv';

config({ quiet: true });
