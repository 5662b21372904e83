// The provider and model in use for this session, and the switch between them. A model chosen with
// `/provider <name> <model>` stays bound to that provider until changed, also across switches back and forth.
import { namedError } from "@ts-coding-agent/mcp-kit/named-error";
import type { ChatModelOptions } from "./chat-model.js";
import { type ChatModel, createChatModel } from "./client.js";
import type { Provider } from "./providers.js";
import type { RetryPolicy } from "./retry.js";

export class UnknownProviderError extends namedError("UnknownProviderError") {}

export interface ProviderSessionOptions {
  providers: Provider[];
  initial: string;
  initialModel?: string;
  /** The key for a provider's key name (keystore first, then environment). */
  apiKey: (keyName: string) => string | undefined;
  timeoutMs: number;
  retry: RetryPolicy;
  /** Response caps, the fallback context window and Ollama's settings, for every model built. */
  modelSettings?: Pick<ChatModelOptions, "limits" | "contextWindowFallback" | "ollama">;
  logger?: ChatModelLogger;
}

type ChatModelLogger = NonNullable<ChatModelOptions["logger"]>;

export class ProviderSession {
  private readonly chosenModels = new Map<string, string>();
  private activeName: string;
  private model: ChatModel;

  constructor(private readonly options: ProviderSessionOptions) {
    this.activeName = options.initial;
    if (options.initialModel) this.chosenModels.set(options.initial, options.initialModel);
    this.model = this.build();
  }

  get providers(): readonly Provider[] {
    return this.options.providers;
  }

  get active(): Provider {
    return this.find(this.activeName);
  }

  /** The model to use now. */
  current(): ChatModel {
    return this.model;
  }

  modelFor(name: string): string {
    return this.chosenModels.get(name) ?? this.find(name).defaultModel;
  }

  /** Switches provider (and optionally its model). Throws UnknownProviderError listing the valid names. */
  switchTo(name: string, model?: string): ChatModel {
    this.find(name);
    if (model) this.chosenModels.set(name, model);
    this.activeName = name;
    this.model = this.build();
    return this.model;
  }

  /** The key the active provider's requests use now (keystore first, then environment). */
  activeKey(): string | undefined {
    return this.options.apiKey(this.active.keyName);
  }

  /** Whether the active provider has what it needs to answer (a key, when it requires one). */
  missingKey(): string | undefined {
    const provider = this.active;
    return provider.requiresKey && !this.options.apiKey(provider.keyName) ? provider.keyName : undefined;
  }

  private find(name: string): Provider {
    const provider = this.options.providers.find((p) => p.name === name);
    if (!provider) {
      const names = this.options.providers.map((p) => p.name).join(", ");
      throw new UnknownProviderError(`Unknown provider "${name}". Valid providers: ${names}.`);
    }
    return provider;
  }

  private build(): ChatModel {
    const provider = this.active;
    return createChatModel({
      provider,
      model: this.modelFor(provider.name),
      apiKey: () => this.options.apiKey(provider.keyName),
      timeoutMs: this.options.timeoutMs,
      retry: this.options.retry,
      ...this.options.modelSettings,
      ...(this.options.logger ? { logger: this.options.logger } : {}),
    });
  }
}
