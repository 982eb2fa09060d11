/** The CLS key holding the `traceparent` of the request or event being handled. */
export const TRACEPARENT_KEY = 'traceparent';
