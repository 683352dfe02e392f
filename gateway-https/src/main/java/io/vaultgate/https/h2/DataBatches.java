package io.vaultgate.https.h2;

import io.netty.buffer.CompositeByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.LastHttpContent;

/**
 * Passes the body pieces of one stream read on as one piece (a composite of the DATA frames, no copy), as the
 * HTTP/1.1 decoder passes on one socket read: the API handler then stores a read's worth per hand-off to the
 * blocking executor instead of one 16 KiB frame. The last piece and anything that is not body content pass
 * through, after what was gathered.
 */
final class DataBatches extends ChannelInboundHandlerAdapter {

    private static final int MAX_COMPONENTS = 1024;

    private CompositeByteBuf gathered;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpContent content && !(msg instanceof LastHttpContent)
                && content.decoderResult().isSuccess()) {
            if (gathered == null) {
                gathered = ctx.alloc().compositeBuffer(MAX_COMPONENTS);
            }
            gathered.addComponent(true, content.content());
            return;
        }
        passGathered(ctx);
        ctx.fireChannelRead(msg);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        passGathered(ctx);
        ctx.fireChannelReadComplete();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        release();
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        release();
    }

    private void passGathered(ChannelHandlerContext ctx) {
        if (gathered != null) {
            CompositeByteBuf batch = gathered;
            gathered = null;
            ctx.fireChannelRead(new DefaultHttpContent(batch));
        }
    }

    private void release() {
        if (gathered != null) {
            gathered.release();
            gathered = null;
        }
    }
}
