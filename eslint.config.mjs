// Lint: TypeScript rules plus the boundaries of the architecture (see README, "Architecture").
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const noElectron = {
  name: 'electron',
  message: 'core/ y api/ no dependen de Electron: el núcleo corre también en la CLI y en el modo navegador.',
};

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'test-results/**', 'playwright-report/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/ban-ts-comment': ['error', { 'ts-ignore': true, 'ts-expect-error': 'allow-with-description' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-empty': ['error', { allowEmptyCatch: false }],
    },
  },
  {
    files: [
      'src-main/core/**/*.ts',
      'src-main/api/**/*.ts',
      'src-main/services/**/*.ts',
      'src-main/services.ts',
      'src-main/cli/**/*.ts',
      'src-main/host/**/*.ts',
      'src-main/sandbox/**/*.ts',
    ],
    rules: {
      'no-restricted-imports': ['error', { paths: [noElectron], patterns: [{ group: ['electron/*'], message: noElectron.message }] }],
    },
  },
  {
    files: ['src-renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'electron', message: 'La interfaz habla con el núcleo solo por api.ts.' }],
          patterns: [
            { regex: '^node:', message: 'La interfaz no usa módulos de Node.' },
            { regex: '^(fs|path|os|child_process|crypto|http|https|net)$', message: 'La interfaz no usa módulos de Node.' },
            { regex: 'src-main/(?!api/)', message: 'De src-main la interfaz importa solo api/.' },
          ],
        },
      ],
    },
  },
  {
    files: ['src-main/preload/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ regex: '^(?!electron$|\\.\\./api/)', message: 'El preload importa solo electron y api/.' }] },
      ],
    },
  },
  {
    files: ['bin/**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
