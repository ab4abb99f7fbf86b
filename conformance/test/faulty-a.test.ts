/** Faulty turrets, first quarter (see faulty/cases.ts). */
import { faultTests } from './faulty/cases.js';

faultTests(0);
