import { matrixSuite } from './suite';

matrixSuite('wait-off', (row) => row.wait === 'off');
