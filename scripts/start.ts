// `npm start`: the whole of Baketsu on one machine with nothing installed. With no configuration it
// runs on embedded defaults (PGlite under .baketsu/, the outbox as the event log); set DATABASE_URL
// and friends (see .env.example) to run on real servers.
import { main as startApi } from '../services/api/src/main.js';

await startApi();
