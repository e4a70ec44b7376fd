// The success page, rendered on the server from the app's session: name, flavour, sgID subject.
import { redirect } from 'next/navigation';
import { logout } from '../actions';
import { flavourLabel } from '../../lib/flavours';
import { Alert } from '../alert';
import { messageFor } from '../../lib/messages';
import { currentSession } from '../../lib/session';

export default async function Success({ searchParams }: { searchParams: Promise<{ error?: string | string[] }> }) {
  const session = await currentSession();
  if (!session) redirect('/?error=logged_out');
  const { error } = await searchParams;
  const name = session.data['myinfo.name'];
  const message = messageFor(error, name ?? session.sub);
  return (
    <main>
      <Alert message={message} />
      <section className="card" aria-labelledby="title">
        <p className="eyebrow">Logged in with Singpass</p>
        <h1 id="title">
          Welcome, <span id="user-name">{name ?? '(no name shared)'}</span>!
        </h1>
        <p>
          Your favourite flavour is <strong id="user-flavour">{flavourLabel(session.flavour)}</strong>.
        </p>
        <dl className="details">
          <div>
            <dt>Name (myinfo.name)</dt>
            <dd>{name ?? '—'}</dd>
          </div>
          <div>
            <dt>
              sgID subject (<code>sub</code>, unique to this app)
            </dt>
            <dd>
              <code id="user-sub">{session.sub}</code>
            </dd>
          </div>
        </dl>
        <form action={logout}>
          <button type="submit" className="button secondary">
            Log out
          </button>
        </form>
      </section>
    </main>
  );
}
