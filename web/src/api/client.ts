// Owns how the page talks to Verity: same-origin JSON requests that carry the interaction cookies
// (never a token), and the Experience API's error body turned into an ApiError the screens can read.
export class ApiError extends Error {
  constructor(
    readonly status: number,
    /** The error code of the body (`session.invalid_credentials`), or `network` / `unknown`. */
    readonly code: string,
    message: string,
    readonly data?: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export async function request<T = void>(method: string, path: string, body?: unknown): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      credentials: 'same-origin',
      headers: body === undefined ? { accept: 'application/json' } : { accept: 'application/json', 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  } catch {
    throw new ApiError(0, 'network', 'network error');
  }
  const text = await response.text();
  let parsed: unknown = undefined;
  if (text) {
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
  }
  if (!response.ok) {
    const errorBody = (parsed ?? {}) as { code?: unknown; message?: unknown; data?: unknown };
    throw new ApiError(
      response.status,
      typeof errorBody.code === 'string' ? errorBody.code : 'unknown',
      typeof errorBody.message === 'string' ? errorBody.message : response.statusText,
      errorBody.data,
    );
  }
  return parsed as T;
}
