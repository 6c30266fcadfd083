// Node side of the flame views: reads the `.cpuprofile` files a run report lists (report.profiles),
// so the page can inline them. A profile that cannot be read does not stop the report: it becomes a
// problem line naming the file and the reason, shown where the flame views would be.
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { RunReport } from '../engine';
import { checkProfile } from '../engine';
import type { ProfileInput } from '../../webview/protocol';

export interface ReadProfiles {
  profiles: ProfileInput[];
  problems: string[];
}

/**
 * The report's profiles with their files read. A file is looked for where the report says, then
 * (for a run folder that was moved or copied) by its name beside the timings file.
 */
export function readRunProfiles(report: RunReport, timingsFile?: string): ReadProfiles {
  const profiles: ProfileInput[] = [];
  const problems: string[] = [];
  for (const meta of report.profiles ?? []) {
    const candidates = [meta.file];
    if (timingsFile) candidates.push(path.join(path.dirname(timingsFile), path.basename(meta.file)));
    const file = candidates.find((f) => f && existsSync(f));
    if (!file) {
      problems.push(
        `${meta.label}: ${meta.file} is missing${timingsFile ? ` (also looked beside ${timingsFile})` : ''}`,
      );
      continue;
    }
    try {
      const profile: unknown = JSON.parse(readFileSync(file, 'utf8'));
      checkProfile(profile, file);
      profiles.push({ meta, profile });
    } catch (err) {
      problems.push(`${meta.label}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  return { profiles, problems };
}
