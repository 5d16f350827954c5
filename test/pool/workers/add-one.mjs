// Task: x => x + 1.
import { serve } from '../../../dist/pool/index.js';
serve((x) => x + 1);
