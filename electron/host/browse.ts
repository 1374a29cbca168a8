// workspace:browse, answered by the host (it knows the folders it was started with): the Run dialog's
// file browser over the current workspace and the host's media roots (electron/media/browse.ts lists
// and confines); its refusals become the contract's failures.
import { IpcFailure, type HostApi, type IpcErrorCode } from '../../shared/ipc';
import { BrowseError, FolderBrowser } from '../media/browse';

const CODE: Record<BrowseError['status'], IpcErrorCode> = { 400: 'invalid_request', 403: 'forbidden', 404: 'not_found' };

/** `roots()` is read per call: the workspace can change between calls (root-1 is always the workspace). */
export function browseHost(roots: () => readonly string[]): Pick<HostApi, 'browseFiles'> {
  return {
    browseFiles: async (req) => {
      try {
        return await new FolderBrowser(roots()).browse(req);
      } catch (err) {
        if (err instanceof BrowseError) throw new IpcFailure({ code: CODE[err.status], message: `workspace:browse: ${err.message}` });
        throw err;
      }
    },
  };
}
