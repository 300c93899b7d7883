-- Where the room stands: {epoch, latest offset}. Subscribing and the node's periodic touch use it.
return {epoch, redis.call('HGET', meta, 'offset')}
