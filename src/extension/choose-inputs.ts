// Which dataset and which processor a command works on: the clicked or active dataset (or, from a
// processor's code lens, the dataset last used), and the processor given or picked. Shared by run,
// profile, sweep and tune so they all choose the same way.
import * as vscode from 'vscode';
import { activeDatasetUri, pickDataset, saveIfDirty } from './pick-dataset';
import { pickProcessor } from './pick-processor';

const LAST_DATASET_KEY = 'chunkscope.lastDataset';

export interface InputRequest {
  dataset?: vscode.Uri;
  processor?: vscode.Uri;
}

export async function chooseInputs(
  state: vscode.Memento,
  request: InputRequest,
  title: string,
): Promise<{ dataset: vscode.Uri; processor: vscode.Uri } | undefined> {
  const remembered = state.get<string>(LAST_DATASET_KEY);
  const fallback = request.processor && !activeDatasetUri() && remembered ? vscode.Uri.file(remembered) : undefined;
  const dataset = await pickDataset(request.dataset ?? fallback, title);
  if (!dataset || !(await saveIfDirty(dataset))) return undefined;
  const processor = request.processor ?? (await pickProcessor(state));
  if (!processor) return undefined;
  // The engine reads files from disk: unsaved edits of the processor would silently not run.
  if (!(await saveIfDirty(processor))) return undefined;
  await state.update(LAST_DATASET_KEY, dataset.fsPath);
  return { dataset, processor };
}
