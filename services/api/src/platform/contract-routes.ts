import { match, type MatchFunction } from 'path-to-regexp';
import { errors } from './errors.js';

/** The operations of one path template of the contract, by upper-case method. */
export interface ContractPath<Operation> {
  template: string;
  byMethod: ReadonlyMap<string, Operation>;
  /** The `Allow` header of a 405 on this path (HEAD wherever GET is, as Express answers it). */
  allow: string;
}

export interface ContractRouteMatch<Operation> {
  path: ContractPath<Operation>;
  params: Record<string, string>;
}

export interface ContractRoutes<Operation> {
  find(pathname: string): ContractRouteMatch<Operation> | undefined;
}

const NO_PARAMS: Record<string, string> = Object.freeze({}) as Record<string, string>;

/**
 * Finds the contract path a request path belongs to, matching as Express routes (path-to-regexp,
 * the library Express uses, with Express's defaults: case-insensitive, a trailing slash allowed).
 * A path written exactly as a parameterless template, which is most traffic, is one map lookup;
 * the rest try the parameterless templates first, as OpenAPI orders concrete paths before templated.
 */
export function contractRoutes<Operation>(operations: Iterable<{ path: string; method: string; operation: Operation }>): ContractRoutes<Operation> {
  const byTemplate = new Map<string, Map<string, Operation>>();
  for (const { path, method, operation } of operations) {
    const methods = byTemplate.get(path) ?? new Map<string, Operation>();
    methods.set(method.toUpperCase(), operation);
    byTemplate.set(path, methods);
  }
  const exact = new Map<string, ContractPath<Operation>>();
  const matchers: Array<{ path: ContractPath<Operation>; match: MatchFunction<Record<string, string>> }> = [];
  for (const [template, byMethod] of byTemplate) {
    const methods = new Set(byMethod.keys());
    if (methods.has('GET')) methods.add('HEAD');
    // RFC 9110 sets no order for Allow; the usual one (safe methods first) reads best.
    const allow = [...methods].sort((a, b) => methodRank(a) - methodRank(b)).join(', ');
    const path: ContractPath<Operation> = { template, byMethod, allow };
    const expressPath = template.replace(/\{([^}]+)\}/g, ':$1');
    const templated = expressPath !== template;
    if (!templated) exact.set(template, path);
    const entry = { path, match: match<Record<string, string>>(expressPath, { sensitive: false, trailing: true, end: true }) };
    if (templated) matchers.push(entry);
    else matchers.unshift(entry);
  }
  return {
    find(pathname) {
      const known = exact.get(pathname);
      if (known) return { path: known, params: NO_PARAMS };
      for (const matcher of matchers) {
        let found;
        try {
          found = matcher.match(pathname);
        } catch {
          // decodeURIComponent refused a parameter ("%ZZ"): the path is not one a client could mean.
          throw errors.validationFailed([{ path: '/path', message: 'must be a valid percent-encoded path' }]);
        }
        if (found) return { path: matcher.path, params: found.params };
      }
      return undefined;
    },
  };
}

const METHOD_ORDER = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];
const methodRank = (method: string) => (METHOD_ORDER.includes(method) ? METHOD_ORDER.indexOf(method) : METHOD_ORDER.length);
