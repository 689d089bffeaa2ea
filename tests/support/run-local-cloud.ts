// Starts a local cloud in its own process (for tests that kill it with SIGKILL) and prints one
// JSON line with its endpoints once it is ready. Usage: tsx run-local-cloud.ts <assemblyDir> <dataDir>
import { startLocalCloud } from '../../infra/local/cloud.ts';

const [assemblyDir, dataDir] = process.argv.slice(2);
if (!assemblyDir || !dataDir) throw new Error('usage: run-local-cloud.ts <assemblyDir> <dataDir>');
const cloud = await startLocalCloud({ assemblyDir, dataDir });
console.log(JSON.stringify({ ready: true, endpoints: cloud.endpoints }));
process.on('SIGTERM', () => void cloud.stop().then(() => process.exit(0)));
