import { QwenModel } from '../compute/models';
import { ImageLayout } from '../image/image-layout';
import { OsBase } from '../image/os-base';

/**
 * The image layout of the Qwen chat service on `osBase`: a Python environment at /usr/local/python3 (a
 * venv of the base's Python on supported bases; on the legacy CentOS 7, CPython and OpenSSL 1.1.1 built
 * under /usr/local, since its own OpenSSL 1.0.2 is too old for Python 3.10 and for `openssl passwd -6`),
 * the demo studio cloned to the model's app directory, the weights in ModelScope's default cache
 * (`~/.cache/modelscope/hub` of the root user, modelscope 1.9 `MODELSCOPE_CACHE` default), and
 * nginx, htpasswd and curl for the deploy script.
 */
export function qwenChatImageLayout(model: QwenModel = QwenModel.QWEN_14B_CHAT, osBase: OsBase = OsBase.ALIBABA_CLOUD_LINUX_3): ImageLayout {
  return new ImageLayout({
    pythonPrefix: '/usr/local/python3',
    opensslPrefix: osBase.buildsPythonFromSource ? '/usr/local/openssl' : undefined,
    appDirectory: model.app.directory,
    modelCacheDirectory: '/root/.cache/modelscope/hub',
    tools: ['nginx', 'htpasswd', 'curl'],
  });
}
