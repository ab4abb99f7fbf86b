/** Faulty turrets, third quarter (see faulty/cases.ts). */
import { faultTests } from './faulty/cases.js';

faultTests(2);
