// SWC's settings for this repository's TypeScript, shared by Jest (@swc/jest) and `npm start`:
// legacy decorators with their type metadata, which Nest's dependency injection needs.
export const swcTypeScript = {
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
    target: 'es2022',
    keepClassNames: true,
  },
  module: { type: 'es6' },
};
