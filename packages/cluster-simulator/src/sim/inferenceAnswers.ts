/*
 * What a serving engine answers to an inference request, in the shape its
 * API documents, and when the answer's headers leave the server:
 *
 * - vLLM's OpenAI-compatible server (docs.vllm.ai/en/latest/serving/openai_compatible_server.html):
 *   `POST /v1/completions` (`object: text_completion`, `max_tokens` default
 *   16 as in the OpenAI API) and `POST /v1/chat/completions`
 *   (`object: chat.completion`). A model name other than the served one is a
 *   404 `NotFoundError`. Without `"stream": true` the response headers are
 *   sent once the whole completion is generated; with it, at the first token.
 * - TEI (huggingface.github.io/text-embeddings-inference, `POST /embed`):
 *   one embedding vector per input.
 * - Triton's KServe v2 protocol (`POST /v2/models/<model>/infer`): outputs
 *   with name, datatype, shape and data.
 *
 * Latencies come from the runtime's latency model (time to first token,
 * inter-token latency), so a slow model answers slowly.
 */
import { PodLife } from '../controllers/kubelet';
import { ProxyResponse } from '../server/servedCluster';
import { latencyModel } from './inferenceRuntime';
import { unitHash } from './random';

type Obj = Record<string, any>;

function json(status: number, body: unknown, headersAfterSeconds = 0) {
  return {
    status,
    contentType: 'application/json',
    body: JSON.stringify(body),
    headersAfterSeconds,
  };
}

function parseBody(body: string): Obj | undefined {
  try {
    const v = JSON.parse(body || '{}');
    return v && typeof v === 'object' ? (v as Obj) : undefined;
  } catch {
    return undefined;
  }
}

function promptTokens(v: unknown): number {
  const text = Array.isArray(v) ? v.join(' ') : String(v ?? '');
  return Math.max(1, Math.ceil(text.length / 4));
}

function words(n: number, seed: string): string {
  const vocab = ['the', 'model', 'serves', 'tokens', 'on', 'a', 'GPU', 'fast'];
  const out: string[] = [];
  for (let i = 0; i < n; i++)
    out.push(vocab[Math.floor(unitHash(`${seed}/${i}`) * vocab.length)]);
  return ` ${out.join(' ')}`;
}

function vllmAnswer(
  life: PodLife,
  path: string,
  req: Obj,
  now: number,
): ProxyResponse {
  const model = life.plan.model ?? '';
  if (req.model !== undefined && req.model !== model) {
    return json(404, {
      error: {
        message: `The model \`${req.model}\` does not exist.`,
        type: 'NotFoundError',
        param: null,
        code: 404,
      },
    });
  }
  const chat = path === '/v1/chat/completions';
  const prompt = chat
    ? ((req.messages ?? []) as Obj[]).map(m => String(m.content ?? ''))
    : req.prompt;
  const inTokens = promptTokens(prompt);
  const maxTokens = Number(
    req.max_tokens ?? req.max_completion_tokens ?? (chat ? 64 : 16),
  );
  const outTokens = Math.max(1, Math.min(maxTokens, 256));
  const lat = latencyModel(life.plan, outTokens);
  const headersAfter = req.stream ? lat.ttft : lat.e2e;
  const text = words(outTokens, `${life.name}/${now}`);
  const usage = {
    prompt_tokens: inTokens,
    total_tokens: inTokens + outTokens,
    completion_tokens: outTokens,
  };
  const id = Math.floor(unitHash(`${life.uid}/${now}`) * 2 ** 48).toString(16);
  const created = Math.floor(now / 1000);
  const finish = outTokens >= maxTokens ? 'length' : 'stop';
  if (chat) {
    return json(
      200,
      {
        id: `chatcmpl-${id}`,
        object: 'chat.completion',
        created,
        model,
        choices: [
          {
            index: 0,
            message: {
              role: 'assistant',
              content: text.trim(),
              tool_calls: [],
            },
            logprobs: null,
            finish_reason: finish,
            stop_reason: null,
          },
        ],
        usage,
      },
      headersAfter,
    );
  }
  return json(
    200,
    {
      id: `cmpl-${id}`,
      object: 'text_completion',
      created,
      model,
      choices: [
        {
          index: 0,
          text,
          logprobs: null,
          finish_reason: finish,
          stop_reason: null,
        },
      ],
      usage,
    },
    headersAfter,
  );
}

/**
 * The answer of a ready serving pod to an inference request, or undefined
 * when the path is not an inference endpoint of its engine.
 */
export function inferenceAnswer(
  life: PodLife,
  method: string,
  path: string,
  body: string,
  now: number,
): ProxyResponse | undefined {
  if (method !== 'POST') return undefined;
  const engine = life.plan.engine;
  const isVllmPath =
    path === '/v1/completions' || path === '/v1/chat/completions';
  const isTritonInfer = /^\/v2\/models\/[^/]+(\/versions\/[^/]+)?\/infer$/.test(
    path,
  );
  if (
    !(engine === 'vllm' && isVllmPath) &&
    !(engine === 'tei' && path === '/embed') &&
    !(engine === 'triton' && isTritonInfer)
  )
    return undefined;
  const req = parseBody(body);
  if (!req) return json(400, { error: 'invalid JSON body' });
  if (engine === 'vllm') return vllmAnswer(life, path, req, now);
  const lat = latencyModel(life.plan, 0);
  if (engine === 'tei') {
    const inputs = Array.isArray(req.inputs) ? req.inputs : [req.inputs];
    const dim = 768;
    const vectors = inputs.map((t: unknown, i: number) =>
      Array.from({ length: dim }, (_, d) =>
        Number((unitHash(`${String(t)}/${i}/${d}`) * 2 - 1).toFixed(6)),
      ),
    );
    return json(200, vectors, lat.e2e);
  }
  const model = path.split('/')[3];
  return json(
    200,
    {
      model_name: model,
      model_version: '1',
      outputs: [
        {
          name: 'OUTPUT0',
          datatype: 'FP32',
          shape: [1, 4],
          data: [0.1, 0.2, 0.3, 0.4],
        },
      ],
    },
    lat.e2e,
  );
}
