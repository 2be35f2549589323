import { readFileSync } from 'node:fs';
import { expect, test } from 'vitest';
import { parse } from 'yaml';
import { configSchema, parseConfig } from './config.js';

interface ComposeService {
  image?: string;
  environment?: Record<string, string | number>;
  healthcheck?: unknown;
  depends_on?: Record<string, { condition: string }>;
}

const compose = parse(readFileSync(new URL('../../../../docker-compose.yml', import.meta.url), 'utf8')) as {
  services: Record<string, ComposeService>;
};

test('every variable the api service sets is one the config schema knows, and parses', () => {
  const environment = compose.services.api?.environment ?? {};
  const known = new Set(Object.keys(configSchema.innerType().shape));
  expect(Object.keys(environment).filter((key) => !known.has(key))).toEqual([]);
  expect(() => parseConfig(Object.fromEntries(Object.entries(environment).map(([key, value]) => [key, String(value)])))).not.toThrow();
});

test('every service has a health check and the api waits for its dependencies to be healthy', () => {
  for (const [name, service] of Object.entries(compose.services)) expect(service.healthcheck, name).toBeDefined();
  const dependencies = compose.services.api?.depends_on ?? {};
  expect(Object.keys(dependencies).sort()).toEqual(['kafka', 'mailpit', 'postgres', 's3', 'stripe-mock']);
  for (const dependency of Object.values(dependencies)) expect(dependency.condition).toBe('service_healthy');
});

test('file bytes go to the S3 server, whose bucket the api creates, and file events reach metering through the relay', () => {
  const api = compose.services.api?.environment ?? {};
  expect(api).toMatchObject({ STORAGE_DRIVER: 's3', S3_ENDPOINT: 'http://s3:7070', S3_CREATE_BUCKET: 'true' });
  const relay = compose.services.relay?.environment ?? {};
  const metering = compose.services.metering?.environment ?? {};
  expect(relay.DATABASE_URL).toBe(api.DATABASE_URL);
  expect(relay.KAFKA_BROKERS).toBe(metering.KAFKA_BROKERS);
  expect(compose.services.relay?.depends_on).toMatchObject({ api: { condition: 'service_healthy' }, kafka: { condition: 'service_healthy' } });
});

test('every image is pinned to a version, never latest or a bare major', () => {
  const images = Object.entries(compose.services).flatMap(([name, service]) => (service.image ? [[name, service.image] as const] : []));
  expect(images.length).toBeGreaterThan(0);
  for (const [name, image] of images) {
    const tag = /:([^/:@]+)$/.exec(image)?.[1];
    const digest = image.includes('@sha256:');
    expect(digest || (tag !== undefined && tag !== 'latest' && /\d+\.\d+/.test(tag)), `${name}: ${image}`).toBe(true);
  }
});
