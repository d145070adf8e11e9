import { matrixSuite } from './suite';

matrixSuite('wait-poll', (row) => row.wait === 'poll');
