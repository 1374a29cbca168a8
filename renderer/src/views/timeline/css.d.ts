// Vite bundles CSS imports into separate files (the CSP forbids inline styles); TypeScript only needs to know they exist.
declare module '*.css';
