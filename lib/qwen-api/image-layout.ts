import { ImageLayout } from '../image/image-layout';

/**
 * The image layout of the Qwen API service (Ubuntu 22.04): a Python virtual environment with vLLM at
 * /usr/local/vllm, the checkpoints under /var/lib/qwen-api/models/<ModelScope id> (downloaded by id and revision when the
 * image is built), and nginx and curl for the deploy script. No OpenSSL of its own: Ubuntu's is 3.0.
 */
export function qwenApiImageLayout(): ImageLayout {
  return new ImageLayout({
    pythonPrefix: '/usr/local/vllm',
    appDirectory: '/usr/local/vllm',
    modelCacheDirectory: '/var/lib/qwen-api/models',
    tools: ['nginx', 'curl'],
  });
}
