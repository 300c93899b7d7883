-- Where the room stands: {epoch, latest offset}. The node's periodic touch uses it (and keeps the keys alive).
return {epoch, redis.call('HGET', meta, 'offset')}
