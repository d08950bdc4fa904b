// The `process` the checker's path helpers read: the browser's working directory is `/`.
export const process = { cwd: () => "/", env: {} as Record<string, string | undefined> };
