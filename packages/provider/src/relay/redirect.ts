export { errorRedirect, redirectTo } from '../oauth/redirect.js';
