/** Support code the runner points Cucumber at (built to dist/steps/index.js). */
import { setWorldConstructor } from '@cucumber/cucumber';
import { ConformanceWorld } from './world.js';
import './hooks.js';
import './setup.js';
import './verify.js';
import './curve.js';
import './legacy-hq.js';

setWorldConstructor(ConformanceWorld);
