// The home page: pick a flavour, log in. A plain GET form to the login route: no client JavaScript.
import Link from 'next/link';
import { FLAVOURS } from '../lib/flavours';
import { Alert } from './alert';
import { messageFor } from '../lib/messages';
import { currentSession } from '../lib/session';

export default async function Home({ searchParams }: { searchParams: Promise<{ error?: string | string[] }> }) {
  const { error } = await searchParams;
  const session = await currentSession();
  const name = session?.data['myinfo.name'];
  const message = messageFor(error);
  return (
    <main>
      <Alert message={message} />
      <section className="card" aria-labelledby="title">
        <h1 id="title">What&apos;s your favourite ice cream?</h1>
        {session ? (
          <p id="logged-in-as">
            You are logged in as {name ?? session.sub}. <Link href="/success">See your details</Link>.
          </p>
        ) : null}
        <p>Pick a flavour, then log in with Singpass. The flavour is carried through the login and shown afterwards, next to your name from Myinfo.</p>
        <form action="/api/sgid/login" method="get">
          <fieldset>
            <legend>Flavour</legend>
            {FLAVOURS.map((f, i) => (
              <label key={f.id} className="flavour">
                <input type="radio" name="icecream" value={f.id} defaultChecked={i === 0} /> {f.label}
              </label>
            ))}
          </fieldset>
          <button type="submit" className="button singpass">
            Login with Singpass
          </button>
        </form>
      </section>
    </main>
  );
}
