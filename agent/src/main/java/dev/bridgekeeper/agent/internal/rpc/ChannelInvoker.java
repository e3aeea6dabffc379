package dev.bridgekeeper.agent.internal.rpc;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import dev.bridgekeeper.ipc.RequestContext;
import dev.bridgekeeper.ipc.RpcErrorCode;
import dev.bridgekeeper.ipc.RpcException;
import java.lang.reflect.InvocationTargetException;
import java.util.function.Function;

/**
 * Runs one method of a typed channel for a request: converts the params to the method's parameter
 * type ({@code invalid_params} when they do not fit), asks the implementation factory for the
 * object to run, and invokes it.
 */
final class ChannelInvoker {
    private final ObjectMapper mapper;

    ChannelInvoker(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /** The handler of {@code spec}, for the method registry. */
    RpcHandler handler(ChannelDescriptor.MethodSpec spec, Function<RequestContext, ?> implFactory) {
        return (params, context) -> invoke(spec, implFactory, params, context);
    }

    private Object invoke(ChannelDescriptor.MethodSpec spec, Function<RequestContext, ?> implFactory,
            JsonNode params, RequestContext context) throws Exception {
        Object[] args;
        if (spec.paramType() == null) {
            if (params != null && !params.isEmpty()) {
                throw new RpcException(RpcErrorCode.INVALID_PARAMS, spec.rpcName() + " takes no params");
            }
            args = new Object[0];
        } else {
            JsonNode input = params == null ? mapper.createObjectNode() : params;
            try {
                args = new Object[] {mapper.treeToValue(input, mapper.constructType(spec.paramType()))};
            } catch (JsonProcessingException | IllegalArgumentException e) {
                throw new RpcException(RpcErrorCode.INVALID_PARAMS, "params do not fit " + spec.rpcName() + describe(e));
            }
        }
        Object impl = implFactory.apply(context);
        if (impl == null) {
            throw new IllegalStateException("the implementation factory of " + spec.rpcName() + " returned null");
        }
        Object result;
        try {
            result = spec.method().invoke(impl, args);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            if (cause instanceof Exception ex) {
                throw ex;
            }
            throw (Error) cause;
        }
        if (result == null) {
            throw new IllegalStateException(spec.rpcName() + " returned null instead of a future");
        }
        return result;
    }

    /** Where in the params a conversion failed, and the params type's own validation message. */
    private static String describe(Exception e) {
        StringBuilder where = new StringBuilder();
        if (e instanceof JsonMappingException jme) {
            for (JsonMappingException.Reference ref : jme.getPath()) {
                if (ref.getFieldName() != null) {
                    where.append(where.length() == 0 ? "" : ".").append(ref.getFieldName());
                } else if (ref.getIndex() >= 0) {
                    where.append('[').append(ref.getIndex()).append(']');
                }
            }
        }
        String text = where.length() == 0 ? "" : " (at " + where + ")";
        // A params record's constructor states what is wrong; pass that on.
        if (e instanceof ValueInstantiationException && e.getCause() instanceof IllegalArgumentException iae
                && iae.getMessage() != null) {
            text += ": " + iae.getMessage();
        }
        return text;
    }
}
