import { QwenModel } from '../compute/models';
import { ImageLayout } from '../image/image-layout';
import { OsBase } from '../image/os-base';

/**
 * The image layout of the Qwen chat service, the same on every base so that one deploy script runs on
 * all of them, including the CentOS 7 images of stacks made from the reference template: a Python
 * environment at /usr/local/python3 and an `openssl` with `passwd -6` at /usr/local/openssl/bin (on
 * supported bases a venv of the base's Python and a link to the base's openssl; on the legacy CentOS 7,
 * CPython and OpenSSL 1.1.1 built there, since its own OpenSSL 1.0.2 is too old for Python 3.10 and for
 * `passwd -6`), the demo studio cloned to the model's app directory, the weights in ModelScope's default
 * cache (`~/.cache/modelscope/hub` of the root user, modelscope 1.9 `MODELSCOPE_CACHE` default), and
 * nginx, htpasswd and curl for the deploy script.
 * @param osBase the base the image is built on (the layout does not depend on it today)
 */
export function qwenChatImageLayout(model: QwenModel = QwenModel.QWEN_14B_CHAT, _osBase: OsBase = OsBase.ALIBABA_CLOUD_LINUX_3): ImageLayout {
  return new ImageLayout({
    pythonPrefix: '/usr/local/python3',
    opensslPrefix: '/usr/local/openssl',
    appDirectory: model.app.directory,
    modelCacheDirectory: '/root/.cache/modelscope/hub',
    tools: ['nginx', 'htpasswd', 'curl'],
  });
}
