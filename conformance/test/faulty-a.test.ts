/** Faulty turrets, first half (see faulty/cases.ts). */
import { faultTests } from './faulty/cases.js';

faultTests(0);
