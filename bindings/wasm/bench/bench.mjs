// Node side of bench.sh: runs cases.mjs under Node and prints the table.
import { runBenchmark, table } from './cases.mjs';

const rows = await runBenchmark({ log: (line) => console.error(`  ${line}`) });
console.log(table(rows, `Node ${process.version}`));
console.log(JSON.stringify({ node: rows }));
