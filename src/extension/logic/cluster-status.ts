// The cluster status bar item's text and tooltip: the workers `cluster status` sees. Pure, so its
// wording is tested without VS Code.
export interface SeenWorkers {
  url: string;
  queue: string;
  workers: { name: string; threads: number; ageMs: number }[];
}

export function clusterStatusText(seen: SeenWorkers): { text: string; tooltip: string } {
  const threads = seen.workers.reduce((n, w) => n + w.threads, 0);
  const n = seen.workers.length;
  const lines = seen.workers.map((w) => `${w.name}: ${w.threads} thread${w.threads === 1 ? '' : 's'}`);
  return {
    text: `$(server) ${n} worker${n === 1 ? '' : 's'} · ${threads} thread${threads === 1 ? '' : 's'}`,
    tooltip: [
      `Chunkscope cluster ${seen.url} (queue ${seen.queue})`,
      ...(lines.length ? lines : ['no worker connected: start one with chunkscope worker --redis URL']),
      'Click: Run on Cluster',
    ].join('\n'),
  };
}

export function clusterUnreachableText(url: string, message: string): { text: string; tooltip: string } {
  return {
    text: '$(warning) cluster unreachable',
    tooltip: `Chunkscope cluster ${url}: ${message}`,
  };
}
