import type { Metadata } from 'next';
import type { ReactNode } from 'react';
import './globals.css';

export const metadata: Metadata = {
  title: 'Ice cream demo — Next.js + sgID',
  description: 'The sgID docs’ Next.js example on sgid-client’s Next.js adapter.',
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        <header className="topbar">
          <span className="app-name">Scoops</span>
          <span className="app-tag">Next.js + sgID</span>
        </header>
        {children}
        <footer className="footer">
          Next.js App Router (server-rendered) + <code>sgid-client</code>’s <code>nextLoginRoutes</code>.
        </footer>
      </body>
    </html>
  );
}
