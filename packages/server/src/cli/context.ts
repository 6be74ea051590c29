import { loadConfig, type Config } from '../config/config.js';
import { openServices, type Services } from '../services.js';

/** Opens the database named by DATABASE_URL (the same one `serve` uses) for one command. */
export async function withServices<T>(fn: (s: Services, config: Config) => Promise<T>, opts: { geo?: boolean } = {}): Promise<T> {
  const config = loadConfig();
  const services = await openServices(config, opts.geo ? {} : { geo: false });
  try {
    return await fn(services, config);
  } finally {
    await services.close();
  }
}
