// A metering consumer in its own process for the crash test: it joins the group, takes its
// partitions, says "batch" when a batch starts and then holds it (never commits), so the test can
// `kill -9` it mid-batch. Usage: doomed-consumer.ts DATABASE_URL BROKERS TOPIC GROUP
import { connectPostgres } from '@baketsu/platform/database';
import { Kafka, logLevel } from 'kafkajs';
import { meteringConsumer } from '#src/consumer/metering-consumer.js';
import { kafkaEventLog } from '#src/log/kafka-event-log.js';

const [databaseUrl, brokers, topic, group] = process.argv.slice(2);
if (!databaseUrl || !brokers || !topic || !group) throw new Error('usage: doomed-consumer.ts DATABASE_URL BROKERS TOPIC GROUP');
const database = await connectPostgres(databaseUrl, 4);
const kafka = new Kafka({ clientId: 'doomed-consumer', brokers: brokers.split(','), logLevel: logLevel.NOTHING });
const consumer = meteringConsumer({ pool: database.pool, name: group });
await kafkaEventLog({ kafka, groupId: group, topic, maxBytesPerPartition: 4096 }).run({
  positionOf: consumer.positionOf,
  onBatch() {
    console.log('batch');
    return new Promise(() => {}); // held until the process is killed
  },
});
