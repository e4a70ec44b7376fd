/** The page's one message after a login that did not finish, announced to screen readers. */
export function Alert({ message }: { message: string | undefined }) {
  if (!message) return null;
  return (
    <p id="error" className="alert" role="alert">
      {message}
    </p>
  );
}
