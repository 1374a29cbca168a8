import { Dialog } from './Dialog';

export function ConfirmDialog(props: { message: string; onConfirm: () => void; onClose: () => void }) {
  return (
    <Dialog title="Please confirm" onClose={props.onClose} testId="confirm-dialog">
      <p>{props.message}</p>
      <div className="actions">
        <button className="btn" onClick={props.onClose}>Cancel</button>
        <button
          className="btn primary"
          data-autofocus
          data-testid="confirm-yes"
          onClick={() => {
            props.onClose();
            props.onConfirm();
          }}
        >
          Continue
        </button>
      </div>
    </Dialog>
  );
}
