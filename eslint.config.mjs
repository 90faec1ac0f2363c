// ESLint 9 flat config with typescript-eslint 8 (supports TypeScript >=4.8.4 <6.1, ESLint ^9, Node >=18.18).
// Rules are the recommended sets without type information (fast: no program build), plus a few that keep
// the library's style. Run by `npm test` as `eslint .`.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'node_modules/', 'dist/', 'cdk.out/', 'out/', 'coverage/', 'docs/api/',
      'examples/*/node_modules/', 'examples/*/dist/', 'examples/*/cdk.out/',
      '.scratch-*/', '**/*.js', '**/*.d.ts',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.mjs'],
    languageOptions: {
      ecmaVersion: 2022,
      sourceType: 'module',
    },
    rules: {
      // Constructs are made for their side effect on the tree (`new Foo(this, 'Id', ...)`).
      'no-new': 'off',
      // ROS tokens and bilingual labels need `any` at the L1 boundary.
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      eqeqeq: ['error', 'always', { null: 'ignore' }],
      'prefer-const': 'error',
      'no-var': 'error',
    },
  },
);
