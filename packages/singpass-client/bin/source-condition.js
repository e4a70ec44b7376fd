// Module hook: resolve workspace packages to their TypeScript sources ("sgid-source" condition).
export async function resolve(specifier, context, next) {
  return next(specifier, { ...context, conditions: [...context.conditions, 'sgid-source'] });
}
